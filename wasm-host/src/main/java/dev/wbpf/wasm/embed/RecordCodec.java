package dev.wbpf.wasm.embed;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfKind;
import dev.wbpf.core.btf.BtfType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * {@link Codec#record}: a Java record for a C struct, laid out by the struct's BTF. Unbound (no
 * layout) until {@link #bind} matched every record component to a struct member.
 */
final class RecordCodec<R extends Record> implements Codec<R> {
    private static final Map<Class<?>, Codec<?>> PRIMITIVES = Map.of(
            byte.class, Scalar.U8, short.class, Scalar.U16, int.class, Scalar.U32, long.class, Scalar.U64,
            float.class, Scalar.F32, double.class, Scalar.F64, boolean.class, Scalar.BOOL);

    /** A record component at its member's offset. */
    private record Field(String name, Method accessor, Codec<Object> codec, int offset) {
    }

    private final Class<R> type;
    private final String struct;
    private final List<Field> fields;
    private final Constructor<R> constructor;
    private final int size;

    RecordCodec(Class<R> type, String struct) {
        this(type, struct, null, null, -1);
    }

    private RecordCodec(Class<R> type, String struct, List<Field> fields, Constructor<R> constructor, int size) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        this.type = type;
        this.struct = struct;
        this.fields = fields;
        this.constructor = constructor;
        this.size = size;
    }

    /** The BTF struct a record is read as when nothing else names it: {@code ExecEvent} → {@code exec_event}. */
    String structName() {
        return struct != null ? struct : snakeCase(type.getSimpleName());
    }

    @Override
    public int size() {
        requireLayout();
        return size;
    }

    @Override
    public R decode(ByteBuffer bytes, int offset) {
        requireLayout();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            Field f = fields.get(i);
            values[i] = f.codec.decode(bytes, offset + f.offset);
        }
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("record " + type.getSimpleName() + " refused the decoded values: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct record " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void encode(R value, ByteBuffer bytes, int offset) {
        requireLayout();
        for (int i = 0; i < size; i++) {
            bytes.put(offset + i, (byte) 0);
        }
        for (Field f : fields) {
            Object component;
            try {
                component = f.accessor.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + type.getSimpleName() + "." + f.name + ": " + e.getMessage(), e);
            }
            if (component == null) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + f.name + " is null");
            }
            try {
                f.codec.encode(component, bytes, offset + f.offset);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + f.name + ": " + e.getMessage(), e);
            }
        }
    }

    private void requireLayout() {
        if (fields == null) {
            throw new IllegalStateException("codec " + this + " is laid out by BTF and was not bound to a BTF type yet: "
                    + "use it through LoadedObject (which binds it) or call bind(btf, typeId, size, what)");
        }
    }

    /**
     * Lays the record out by BTF struct {@code typeId}, or, when that is 0, by the struct named
     * {@link #structName()}. {@code size} below 0 means any (ring and perf buffer records).
     */
    @Override
    public Codec<R> bind(Btf btf, int typeId, int size, String what) {
        if (btf == null) {
            throw new IllegalArgumentException(what + ": codec " + this + " takes its layout from BTF, and there is none"
                    + " (build the object with clang -g, and open the map through LoadedObject)");
        }
        int id = typeId != 0 ? typeId : structId(btf, what);
        if (!(btf.type(btf.resolve(id)) instanceof BtfType.Struct c)) {
            throw new IllegalArgumentException(what + " is " + BtfShapes.cName(btf, id) + ", not a struct: "
                    + "a record codec needs a struct");
        }
        String structLabel = "struct " + c.name();
        List<Field> laidOut = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            BtfType.Member member = member(c, component.getName());
            if (member == null) {
                throw new IllegalArgumentException("record " + type.getSimpleName() + " component `" + component.getName()
                        + "` has no member in " + structLabel + " (" + what + "); its members: "
                        + c.members().stream().map(BtfType.Member::name).collect(Collectors.joining(", ")));
            }
            String where = type.getSimpleName() + "." + component.getName() + " (" + structLabel + " member "
                    + member.name() + ": " + BtfShapes.cName(btf, member.typeId()) + " at offset " + member.byteOffset() + ")";
            if (member.isBitfield()) {
                throw new IllegalArgumentException(where + " is a bitfield; records cannot hold bitfields, read the struct as bytes");
            }
            Method accessor = component.getAccessor();
            accessor.trySetAccessible();
            laidOut.add(new Field(component.getName(), accessor,
                    componentCodec(component.getType(), btf, member.typeId(), where), (int) member.byteOffset()));
        }
        Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<R> canonical;
        try {
            canonical = type.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
        }
        canonical.trySetAccessible();
        RecordCodec<R> bound = new RecordCodec<>(type, struct, List.copyOf(laidOut), canonical, (int) c.size());
        if (size >= 0 && size != bound.size) {
            throw new IllegalArgumentException(what + " is " + size + " bytes, but " + structLabel + " is " + bound.size);
        }
        return bound;
    }

    private int structId(Btf btf, String what) {
        OptionalInt found = btf.findByNameAndKind(structName(), BtfKind.STRUCT);
        if (found.isEmpty()) {
            throw new IllegalArgumentException(what + " has no BTF type of its own, and the object has no struct "
                    + structName() + " to read it as; name the struct: Codec.record(" + type.getSimpleName() + ".class, \"STRUCT\")"
                    + ", and keep it in the object's BTF (clang emits BTF only for the types of maps, globals and functions:"
                    + " declare `struct " + structName() + " *unused_" + structName() + " __attribute__((unused));` in the BPF source)");
        }
        return found.getAsInt();
    }

    private static BtfType.Member member(BtfType.Composite struct, String component) {
        String snake = snakeCase(component);
        BtfType.Member bySnake = null;
        for (BtfType.Member m : struct.members()) {
            if (m.name().equals(component)) {
                return m;
            }
            if (m.name().equals(snake)) {
                bySnake = m;
            }
        }
        return bySnake;
    }

    @SuppressWarnings("unchecked")
    private static Codec<Object> componentCodec(Class<?> javaType, Btf btf, int typeId, String where) {
        long cSize = btf.sizeOf(typeId);
        Codec<?> codec;
        BtfType.Array array = BtfShapes.array(btf, typeId);
        if (PRIMITIVES.containsKey(javaType)) {
            boolean floating = javaType == float.class || javaType == double.class;
            boolean fits = floating ? btf.type(btf.resolve(typeId)) instanceof BtfType.Float : BtfShapes.isInteger(btf, typeId);
            codec = PRIMITIVES.get(javaType);
            if (!fits || codec.size() != cSize) {
                throw mismatch(where, javaType.getSimpleName() + " (" + codec.size() + " bytes)", cSize);
            }
        } else if ((javaType == String.class || javaType == byte[].class) && array != null
                && btf.sizeOf(array.elementTypeId()) == 1 && BtfShapes.isInteger(btf, array.elementTypeId())) {
            codec = javaType == String.class ? new FixedString((int) array.elementCount()) : new FixedBytes((int) array.elementCount());
        } else if (javaType.isArray() && javaType.getComponentType().isPrimitive() && array != null) {
            Codec<?> element = PRIMITIVES.get(javaType.getComponentType());
            if (element == null || !BtfShapes.isInteger(btf, array.elementTypeId()) || btf.sizeOf(array.elementTypeId()) != element.size()) {
                throw mismatch(where, javaType.getSimpleName(), cSize);
            }
            codec = new ArrayCodec(javaType, (Codec<Object>) element, (int) array.elementCount());
        } else if (javaType.isRecord()) {
            codec = new RecordCodec<>(javaType.asSubclass(Record.class), null).bind(btf, typeId, (int) cSize, where);
        } else {
            throw new IllegalArgumentException(where + ": a component of type " + javaType.getSimpleName() + " cannot hold it;"
                    + " use byte/short/int/long/boolean/float/double, String or byte[] for char arrays, int[]/long[] for"
                    + " integer arrays, or a record for a struct");
        }
        return (Codec<Object>) codec;
    }

    private static IllegalArgumentException mismatch(String where, String javaSide, long cSize) {
        return new IllegalArgumentException(where + " is " + cSize + " bytes and cannot be read as " + javaSide);
    }

    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return "record(" + type.getSimpleName() + (struct != null ? ", " + struct : "") + ")";
    }
}
